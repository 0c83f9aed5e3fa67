//go:build !race

package registerusagejwt

const raceEnabled = false
