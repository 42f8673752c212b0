/**
 * The history recorder and the GUARANTEES.md checker: every simulated and multi-process run
 * records install, send, deliver, leave, stop, crash and state events, and the checker evaluates
 * V1-V11 over them, printing a minimal excerpt for each violation. Public so applications and
 * other modules can check their own runs.
 */
package org.backplane.vsync.check;
