package io.kube9.sites;

/** A recorder site by name. */
public interface AuditEventRecorder {
    void record(Object event);
}
