// The seller's start-up flow in a paid container program written in Go: the RegisterUsage
// check runs INSIDE the paid process, first thing in main, before any paid work. An
// entrypoint script, init container or sidecar that checks and then starts the program is
// skipped by anyone who overrides the container's command; a check compiled into the
// program is not.
//
// The trust anchor (the product's public key) is compiled in with //go:embed (product.go):
// nothing in the container's environment, arguments or files can replace the key or
// weaken the check. The one setting read at run time is REGISTER_USAGE_ENDPOINT, the URL
// RegisterUsage is called at (for the emulator); whoever sets it can deny the program a
// token, never make it accept a forged one.
//
// AWS's SDK for Go is not reachable where this example is built, so registerUsage below is
// a plain, UNSIGNED AWS JSON 1.1 call with the standard library: it works against
// `register-usage-jwt emulate`, not against AWS. In a real program make that one call with
// the AWS SDK for Go v2 (README.md shows it); everything else stays as it is.
//
//	go build ./example/startup                                        # the shipped program
//	go build -tags insecure_published_test_keys ./example/startup     # DEMO: trusts a published test key
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	registerusagejwt "github.com/register-usage-jwt/register-usage-jwt/bindings/go"
)

const (
	// The whole check, retries included, ends within this deadline.
	deadline = 30 * time.Second
	// One RegisterUsage attempt gives up after this long.
	attemptTimeout = 8 * time.Second
	maxAttempts    = 5
)

func main() {
	// 1. The check, before anything else. Any failure ends the program.
	if err := checkEntitlement(); err != nil {
		fmt.Fprintf(os.Stderr, "register-usage: NOT STARTING: %v\n", err)
		os.Exit(1)
	}
	// 2. Only now: the paid work.
	fmt.Println("entitled: starting the paid workload")
}

func checkEntitlement() error {
	verifier, err := newVerifier(productCode, map[uint32][]byte{publicKeyVersion: productKey})
	if err != nil {
		return fmt.Errorf("licence check misconfigured: %w", err)
	}
	defer verifier.Close()

	endpoint, err := meteringEndpoint()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	token, nonce, err := registerUsage(ctx, endpoint)
	if err != nil {
		return err
	}
	registration, err := verifier.Verify(token, publicKeyVersion, nonce)
	if err != nil {
		var refused *registerusagejwt.Error
		if errors.As(err, &refused) && refused.IsRejection() {
			return fmt.Errorf("RegisterUsage token refused (%s): %s", refused.Code, refused.Message)
		}
		return err
	}
	if registration.KeyVersionExpired() {
		fmt.Fprintf(os.Stderr, "register-usage: WARNING: public key version %d has expired "+
			"(PublicKeyRotationTimestamp %v): ship the new key version AWS Marketplace gives you\n",
			publicKeyVersion, registration.PublicKeyRotationTimestamp.Seconds)
	}
	return nil
}

// meteringEndpoint is REGISTER_USAGE_ENDPOINT if set, else AWS's endpoint for AWS_REGION.
func meteringEndpoint() (string, error) {
	if raw, set := os.LookupEnv("REGISTER_USAGE_ENDPOINT"); set {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("environment: REGISTER_USAGE_ENDPOINT=%q is not an http:// or https:// "+
				"URL with a host: set it to the URL of a RegisterUsage endpoint, or unset it to call AWS", raw)
		}
		return raw, nil
	}
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	return "https://metering.marketplace." + region + ".amazonaws.com/", nil
}

// awsError is an AWS JSON 1.1 error response.
type awsError struct {
	Name    string
	Message string
	Status  int
}

func (e *awsError) Error() string {
	return fmt.Sprintf("RegisterUsage failed: %s (HTTP %d): %s", e.Name, e.Status, e.Message)
}

// retryable: only throttling and AWS's internal errors are worth another call. Every
// other error (CustomerNotEntitledException, ...) is an answer: stop.
func retryable(err error) bool {
	var aws *awsError
	return errors.As(err, &aws) &&
		(aws.Name == "ThrottlingException" || aws.Name == "InternalServiceErrorException")
}

// registerUsage calls RegisterUsage until it answers a token, a non-retryable error, or
// the deadline passes. Every call sends a fresh random nonce; it returns the token and
// the nonce of the call that produced it.
func registerUsage(ctx context.Context, endpoint string) (token, nonce string, err error) {
	backoff := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		nonce, err = registerusagejwt.RandomNonce()
		if err != nil {
			return "", "", err
		}
		token, err = registerUsageOnce(ctx, endpoint, nonce)
		if err == nil {
			return token, nonce, nil
		}
		if !retryable(err) || attempt == maxAttempts {
			return "", "", fmt.Errorf("%w (attempt %d of %d, %s)", err, attempt, maxAttempts, endpoint)
		}
		fmt.Fprintf(os.Stderr, "register-usage: %v; retrying in %v\n", err, backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return "", "", fmt.Errorf("the start-up check did not finish within %v: %w (last: %v)", deadline, ctx.Err(), err)
		}
		backoff *= 2
	}
}

// registerUsageOnce is one UNSIGNED AWS JSON 1.1 RegisterUsage call (the emulator ignores
// SigV4; AWS does not: use the SDK call in README.md in a real program).
func registerUsageOnce(ctx context.Context, endpoint, nonce string) (string, error) {
	body, err := json.Marshal(map[string]interface{}{
		"ProductCode": productCode, "PublicKeyVersion": publicKeyVersion, "Nonce": nonce,
	})
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSMPMeteringService.RegisterUsage")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("RegisterUsage failed: %w", err)
	}
	defer resp.Body.Close()
	// A RegisterUsage response is a few KiB; read no more than 64 KiB of anything else.
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("RegisterUsage failed: reading the response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var fault struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &fault)
		name := resp.Header.Get("X-Amzn-Errortype")
		if name == "" {
			name = fault.Type
		}
		// AWS may qualify the name ("aws.marketplace#ThrottlingException") or append
		// details after a colon.
		name = name[strings.LastIndex(name, "#")+1:]
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[:i]
		}
		if name == "" {
			name = "no error code"
		}
		return "", &awsError{Name: name, Message: fault.Message, Status: resp.StatusCode}
	}
	var answer struct {
		Signature string `json:"Signature"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil || answer.Signature == "" {
		return "", fmt.Errorf("RegisterUsage answered HTTP 200 without a Signature")
	}
	return answer.Signature, nil
}
