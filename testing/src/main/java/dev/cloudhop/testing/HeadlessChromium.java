package dev.cloudhop.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's Chromium, headless, driven through its chromedriver by Selenium: open a page, read the rendered DOM, take a
 * PNG screenshot, and read the browser console. For page tests (and users' own). The browser reaches nothing but
 * loopback and files: every other host goes to a proxy address where nothing listens, and Chromium's background
 * services (updates, safe browsing, sync) are off. Not thread-safe: one test thread drives it.
 *
 * <p>{@code bin/lib/emulators/browser.sh} installs {@code chromium} and {@code chromium-driver} (same source, so their
 * versions match); {@code CLOUDHOP_CHROMIUM} and {@code CLOUDHOP_CHROMEDRIVER} point elsewhere. Selenium needs
 * {@code org.seleniumhq.selenium:selenium-chrome-driver} on the test class path (an optional dependency of this
 * module: declare it where you use this class).
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path DEFAULT_BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DEFAULT_DRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * Selenium warns that it has no DevTools classes for this Chromium version; nothing here uses them (logs and
     * screenshots go through chromedriver), so the warning is noise. Held so that the level sticks.
     */
    private static final java.util.logging.Logger CDP_VERSION_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /**
     * A PNG screenshot and what it shows.
     *
     * @param png            the image
     * @param width          its width in pixels
     * @param height         its height in pixels
     * @param colors         distinct colours in it (a blank page has one)
     * @param nonWhiteShare  the share (0..1) of its pixels that are not white
     */
    public record Screenshot(byte[] png, int width, int height, int colors, double nonWhiteShare) {
    }

    /** The browser, from {@code CLOUDHOP_CHROMIUM} or {@code /usr/bin/chromium}. */
    public static Path browser() {
        return path("CLOUDHOP_CHROMIUM", DEFAULT_BROWSER);
    }

    /** Its driver, from {@code CLOUDHOP_CHROMEDRIVER} or {@code /usr/bin/chromedriver}. */
    public static Path chromedriver() {
        return path("CLOUDHOP_CHROMEDRIVER", DEFAULT_DRIVER);
    }

    /**
     * Makes sure the browser and its driver are here, for a test's set-up. Skips the test (a JUnit assumption, with
     * the reason) only where they cannot be installed: no {@code apt-get} on this machine, so not the Debian family
     * that {@code bin/lib/emulators/browser.sh} installs on.
     *
     * @throws IllegalStateException where they could be installed but are not: the test fails and says how
     */
    public static void requireInstalled() {
        if (Files.isExecutable(browser()) && Files.isExecutable(chromedriver())) {
            return;
        }
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        Assumptions.assumeTrue(apt, () -> "Chromium cannot be installed on this machine: " + browser() + " or " + chromedriver()
                + " is missing and there is no apt-get to install Debian's chromium and chromium-driver "
                + "(bin/lib/emulators/browser.sh); set CLOUDHOP_CHROMIUM and CLOUDHOP_CHROMEDRIVER to a matching pair");
        throw new IllegalStateException("headless Chromium is not installed (" + browser() + ", " + chromedriver()
                + "); run bin/test, which installs it, or bin/lib/install-emulators.sh");
    }

    /**
     * Starts the browser with a {@code width} x {@code height} window, its driver on a free loopback port.
     *
     * @throws IllegalStateException if they are not installed ({@link #requireInstalled()} says so first in tests)
     */
    public static HeadlessChromium start(int width, int height) {
        requireInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height, "--force-device-scale-factor=1", "--hide-scrollbars",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
                "--disable-background-networking", "--disable-component-update", "--disable-domain-reliability",
                "--disable-client-side-phishing-detection", "--no-pings", "--disable-breakpad",
                "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
                // nothing leaves the machine: loopback bypasses the proxy, every other host meets a port nobody serves
                "--proxy-server=http://127.0.0.1:9");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().toFile())
                .usingPort(FreePorts.find())
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** The Selenium driver, for anything this class does not wrap. */
    public WebDriver driver() {
        return driver;
    }

    /** Opens {@code uri} (http on loopback, or a file) and waits for it to load. */
    public void open(URI uri) {
        driver.get(uri.toString());
    }

    /** Opens a file. */
    public void open(Path file) {
        open(file.toAbsolutePath().toUri());
    }

    /** Runs {@code script} (a function body: {@code return ...}) in the page and returns its result. */
    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Waits until {@code condition} holds, checking every 50 ms, at most {@code timeout}.
     *
     * @throws AssertionError naming {@code what} if it never held
     */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not show " + what + " within " + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /**
     * The whole page (the window grown to the page's height, at most 8000 pixels) as a PNG, written to {@code file}
     * (its directory created) when not null.
     */
    public Screenshot screenshot(Path file) {
        return screenshot(file, true);
    }

    /**
     * A PNG of the window ({@code wholePage} false: what a reader sees first, e.g. for documentation) or of the whole
     * page (the window grown to the page's height, at most 8000 pixels), written to {@code file} (its directory
     * created) when not null.
     */
    public Screenshot screenshot(Path file, boolean wholePage) {
        Dimension before = driver.manage().window().getSize();
        if (wholePage) {
            Number pageHeight = (Number) script("return Math.ceil(Math.max(document.documentElement.scrollHeight, "
                    + "document.body ? document.body.scrollHeight : 0))");
            int height = Math.min(8000, Math.max(before.getHeight(), pageHeight.intValue()));
            driver.manage().window().setSize(new Dimension(before.getWidth(), height));
        }
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        if (wholePage) {
            driver.manage().window().setSize(before);
        }
        try {
            if (file != null) {
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    Files.createDirectories(dir);
                }
                Files.write(file, png);
            }
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            Set<Integer> colors = new HashSet<>();
            long nonWhite = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y) & 0xFFFFFF;
                    if (colors.size() < 100_000) {
                        colors.add(rgb);
                    }
                    if (rgb != 0xFFFFFF) {
                        nonWhite++;
                    }
                }
            }
            return new Screenshot(png, image.getWidth(), image.getHeight(), colors.size(),
                    nonWhite / (double) ((long) image.getWidth() * image.getHeight()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write or read the screenshot " + file, e);
        }
    }

    /** Everything the browser console logged since the last call (messages, script errors, failed loads). */
    public List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** The console's errors ({@code SEVERE}: uncaught exceptions, {@code console.error}, failed loads) since the last call. */
    public List<String> consoleErrors() {
        return console().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
    }

    /** Quits the browser and stops its driver. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private static Path path(String env, Path fallback) {
        String v = System.getenv(env);
        return v != null && !v.isBlank() ? Path.of(v) : fallback;
    }
}
