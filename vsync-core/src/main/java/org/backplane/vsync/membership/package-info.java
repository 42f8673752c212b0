/**
 * Group membership: joins, leaves and suspicions bundled into view changes run by the oldest
 * unsuspected member, primary partition only, and the group machine that ties the concerns of
 * one group together. Guarantees: V1 (view agreement), V2 (primary partition), V3
 * (self-inclusion, exclusion is final), V7 (validity).
 */
package org.backplane.vsync.membership;
