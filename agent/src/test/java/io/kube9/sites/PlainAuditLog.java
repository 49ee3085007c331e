package io.kube9.sites;

/** A recorder two levels below the matching name. */
public class PlainAuditLog extends AbstractAuditLog {
    private static final long serialVersionUID = 1L;
    public int recorded;

    @Override
    public void record(Object event) {
        recorded++;
    }
}
