/**
 * The contract suites of {@code dev.cloudhop.tck}, bound to the configured site that {@code cloudhop tck} tests
 * ({@link dev.cloudhop.cli.tck.TckTarget}); run by the JUnit Platform Launcher, never by a build.
 */
package dev.cloudhop.cli.tck;
