/**
 * One engine process as a machine: reliable links and failure detection shared by all the
 * groups the process is in. Guarantee: every group message reaches its peer's group machine
 * once and in order while both are up.
 */
package org.backplane.vsync.node;
