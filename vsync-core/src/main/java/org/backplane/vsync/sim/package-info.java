/**
 * The simulated network: deterministic, seeded, virtual time, with crash, pause, link break,
 * partition and delay/reorder faults, running the real engine machines. Public so applications
 * can test their own groups. Guarantee: a run is a function of its seed and the calls made.
 */
package org.backplane.vsync.sim;
