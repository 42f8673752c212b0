/**
 * State transfer to a joiner, chunked and flow-controlled, taken at the donor exactly at the
 * joining view's installation. Guarantee: V11 (the joiner's state equals the donor's after
 * exactly the deliveries before the joining view; the joiner then delivers that view onward).
 */
package org.backplane.vsync.state;
