/**
 * JSON written byte for byte as Python writes it ({@link org.ebsvolume.messaging.wire.PythonJson}),
 * for callers building RPC arguments and reading results. Callers may use it; the rest of the
 * wire format (envelope, exchanges and queues) is in {@code org.ebsvolume.messaging.impl}.
 */
package org.ebsvolume.messaging.wire;
