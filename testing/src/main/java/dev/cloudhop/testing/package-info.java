/**
 * The shared test harness: processes for emulators and real servers on free loopback ports, started and
 * stopped by tests, the tools directory the test command installs them into, and headless Chromium
 * ({@link dev.cloudhop.testing.HeadlessChromium}) for page tests.
 */
package dev.cloudhop.testing;
