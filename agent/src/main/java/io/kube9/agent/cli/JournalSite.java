package io.kube9.agent.cli;

/** The sites that write journal rows (projections only feed metrics). */
enum JournalSite {
    // Lower case: the constants are spelled as on the command line and in the journal.
    recorder,
    store
}
