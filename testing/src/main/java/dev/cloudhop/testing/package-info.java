/**
 * The shared test harness: processes for emulators and real servers on free loopback ports, started and
 * stopped by tests, and the tools directory the test command installs them into.
 */
package dev.cloudhop.testing;
