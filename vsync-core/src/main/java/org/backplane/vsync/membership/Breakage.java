package org.backplane.vsync.membership;

/**
 * TEST ONLY: deliberate protocol defects, so tests can show that the history checker catches a
 * broken engine. Never set outside tests.
 */
public enum Breakage {
    /** The engine as designed. */
    NONE,
    /** Members deliver ABCAST messages as soon as they are causally ready, ignoring the sequencer (breaks V10). */
    ORDERING,
    /** The flush delivers only what each member happens to hold, with no exchange of messages (breaks V5). */
    FLUSH
}
