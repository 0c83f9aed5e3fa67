package com.registerusagejwt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The native methods (bindings/java/native) and the loading of the native library from this
 * jar's resources, {@code /native/<platform>/libregister_usage_jwt_java.so}, copied to a
 * private temporary file first (a JVM loads native code only from a file).
 */
final class NativeBridge {
    private NativeBridge() {}

    static final String PLATFORM = platform();

    static {
        load();
    }

    /** {@code linux-x86_64}, {@code linux-aarch64}, ... as the jar's resources name them. */
    private static String platform() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) os = "linux";
        else if (os.startsWith("mac")) os = "macos";
        else if (os.startsWith("windows")) os = "windows";
        if (arch.equals("amd64") || arch.equals("x86_64")) arch = "x86_64";
        else if (arch.equals("aarch64") || arch.equals("arm64")) arch = "aarch64";
        return os + "-" + arch;
    }

    private static void load() {
        String name = System.mapLibraryName("register_usage_jwt_java");
        String resource = "/native/" + PLATFORM + "/" + name;
        try (InputStream in = NativeBridge.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("register-usage-jwt: this jar has no native library for "
                        + PLATFORM + " (no resource " + resource + "): use a jar built for this platform"
                        + " (bindings/java/ci.sh builds one for the machine it runs on)");
            }
            // A directory only this user can read, so no other user can swap the library
            // between the copy and the load.
            Path dir;
            try {
                dir = Files.createTempDirectory("register-usage-jwt-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException notPosix) {
                dir = Files.createTempDirectory("register-usage-jwt-");
            }
            Path file = dir.resolve(name);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            // Loaded: the mapping stays valid after the file is gone.
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UnsatisfiedLinkError("register-usage-jwt: could not extract the native library "
                    + resource + " to a temporary file: " + e + " (check java.io.tmpdir is writable)");
        }
    }

    static native String[] create(byte[] productCode, int[] versions, byte[] keyBytes, int[] keyLengths,
            boolean allowPublishedTestKeys, long[] handleOut);

    static native String[] verify(long handle, byte[] token, int keyVersion, byte[] nonce);

    static native String[] verifyReplayableWithoutNonce(long handle, byte[] token, int keyVersion);

    static native boolean free(long handle);

    static native long liveVerifiers();

    static native String[] randomNonce();

    /** Throws the exception a failed native result {@code [kind, code, step, message]} stands for. */
    static String[] check(String[] result) throws TokenRejectedException {
        if (result == null || result.length == 0) {
            throw new VerifierUsageException("internal_error",
                    "the native library returned no result: a bug in register-usage-jwt, please report it");
        }
        if ("ok".equals(result[0])) return result;
        String code = result[1], step = result[2], message = result[3];
        switch (result[0]) {
            case "rejection": throw new TokenRejectedException(code, step, message);
            case "configuration": throw new ConfigurationException(code, message);
            default: throw new VerifierUsageException(code, message);
        }
    }

    /** As {@link #check} for calls that cannot reject a token. */
    static String[] checkNoRejection(String[] result) {
        try {
            return check(result);
        } catch (TokenRejectedException e) {
            throw new VerifierUsageException("internal_error",
                    "unexpected rejection " + e.code() + ": a bug in register-usage-jwt, please report it");
        }
    }
}
