/**
 * Stability: which messages every member of the view holds, from receipt reports. Guarantee:
 * a message freed or delivered "safe" is held by every member of the view (PROTOCOL-NOTES §6,
 * P20, P21).
 */
package org.backplane.vsync.stability;
