/**
 * What callers use to speak oslo.messaging RPC and notifications over RabbitMQ: open a
 * {@link org.ebsvolume.messaging.Transport}, serve {@link org.ebsvolume.messaging.Endpoint}s with an
 * {@link org.ebsvolume.messaging.RpcServer}, call with an {@link org.ebsvolume.messaging.RpcClient},
 * notify with a {@link org.ebsvolume.messaging.Notifier}. Everything public here is for callers;
 * the package-private classes (dispatch, replies, duplicate filtering) are the RPC machinery behind them.
 */
package org.ebsvolume.messaging;
