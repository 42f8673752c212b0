/**
 * Failure detection by heartbeats and silence timeouts, shared by every group of a process.
 * Guarantee: a peer that stops (crash, pause, partition) is suspected within the timeout plus
 * one heartbeat interval; suspicion is not exclusion (see {@code membership}).
 */
package org.backplane.vsync.failure;
