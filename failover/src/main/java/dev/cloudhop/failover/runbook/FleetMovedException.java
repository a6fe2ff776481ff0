package dev.cloudhop.failover.runbook;

/**
 * A runbook lost the race for its epoch: another instance moved the fleet first. The runbook stops and this
 * instance follows the winner; nothing after the fence step runs twice.
 */
public final class FleetMovedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long epoch;
    private final String site;

    /** The fleet is at {@code epoch} with {@code site} active. */
    public FleetMovedException(long epoch, String site) {
        super("another instance moved the fleet to " + site + " at epoch " + epoch);
        this.epoch = epoch;
        this.site = site;
    }

    /** The epoch the winner established. */
    public long epoch() {
        return epoch;
    }

    /** The site the winner made active. */
    public String site() {
        return site;
    }
}
