/**
 * What applications use: {@link org.backplane.vsync.api.Group} (multicasts with reply modes,
 * leave), {@link org.backplane.vsync.api.GroupListener} (views, deliveries, state), identities
 * and the configuration. Guarantees: GUARANTEES.md V1-V11 for every group.
 */
package org.backplane.vsync.api;
