package io.kube9.sites;

/** Between a recorder and its interface: the walk goes through this class file. */
public abstract class AbstractAuditLog implements AuditEventRecorder, java.io.Serializable {
    private static final long serialVersionUID = 1L;
}
