/**
 * The engine benchmark (a main class with N member JVMs on loopback). Guarantees nothing; it
 * measures throughput and latency of ABCAST and CBCAST.
 */
package org.backplane.vsync.bench;
