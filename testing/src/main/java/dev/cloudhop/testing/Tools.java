package dev.cloudhop.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the test command installs emulators and servers: {@code $CLOUDHOP_TOOLS}, by default
 * {@code ~/.cache/cloudhop/tools} (the same default as {@code bin/lib/emulators/*.sh}).
 */
public final class Tools {

    private Tools() {
    }

    /** The tools directory. */
    public static Path home() {
        String env = System.getenv("CLOUDHOP_TOOLS");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "cloudhop", "tools");
    }

    /**
     * A file below the tools directory (or an absolute path) that must exist.
     *
     * @throws IllegalStateException saying how to install it; tests must fail, not skip, when it is missing
     */
    public static Path require(String path, String what) {
        Path p = Path.of(path).isAbsolute() ? Path.of(path) : home().resolve(path);
        if (!Files.exists(p)) {
            throw new IllegalStateException(what + " is not installed (expected " + p + "); run bin/test, which "
                    + "installs it, or bin/lib/install-emulators.sh");
        }
        return p;
    }

    /** An executable on the PATH, or in one of {@code extraDirs}. */
    public static Path requireExecutable(String name, String what, String... extraDirs) {
        for (String dir : extraDirs) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String pathEnv = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathEnv.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException(what + " (" + name + ") is not installed; run bin/test, which installs it, "
                + "or bin/lib/install-emulators.sh");
    }
}
