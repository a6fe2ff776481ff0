/** Typed events of the failover facade. */
package dev.cloudhop.failover.event;
