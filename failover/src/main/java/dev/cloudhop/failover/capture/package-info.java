/**
 * Queue capture: the durable journal of sends a site could not take, their replay, and the merge of
 * messages stranded at a site that is no longer active. {@link dev.cloudhop.failover.capture.QueueMerger#DEDUP_ATTRIBUTE}
 * is also published as {@link dev.cloudhop.failover.FailoverCloud#DEDUP_ATTRIBUTE}. Its types are public only so that {@link dev.cloudhop.failover.FailoverCloud} can assemble them from
 * another package: they are the facade's wiring, not an API, and may change in any release.
 */
package dev.cloudhop.failover.capture;
