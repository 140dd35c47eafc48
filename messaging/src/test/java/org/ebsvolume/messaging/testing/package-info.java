/**
 * Test helpers shipped in the messaging test-jar: the local broker, a Python oslo.messaging peer,
 * real Python for parity checks and log capture. Tests of any module may use them; main code must not.
 */
package org.ebsvolume.messaging.testing;
