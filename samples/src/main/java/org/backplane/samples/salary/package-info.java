/**
 * The replicated salary database of Birman, CACM 1993, Figures 10 and 11: updates by ABCAST,
 * queries answered by any replica, state transfer to a replica that joins.
 */
package org.backplane.samples.salary;
