package org.ebsvolume.messaging.impl;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.AddressResolver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The broker list as oslo walks it: shuffled once when the connection is made, then each
 * (re)connect starts at the next host ({@code kombu_failover_strategy = round-robin}) or at a
 * random one ({@code shuffle}).
 */
final class RotatingAddressResolver implements AddressResolver {

    private final List<Address> addresses;
    private final boolean shuffleEachTime;
    private int next;

    RotatingAddressResolver(List<Address> addresses, boolean shuffleEachTime) {
        List<Address> copy = new ArrayList<>(addresses);
        Collections.shuffle(copy);
        this.addresses = List.copyOf(copy);
        this.shuffleEachTime = shuffleEachTime;
    }

    @Override
    public synchronized List<Address> getAddresses() {
        List<Address> order = new ArrayList<>(addresses);
        if (shuffleEachTime) {
            Collections.shuffle(order);
        } else {
            Collections.rotate(order, -next);
            next = (next + 1) % addresses.size();
        }
        return order;
    }

    @Override
    public List<Address> maybeShuffle(List<Address> input) {
        return input; // the order above is the policy; the client must not reshuffle it
    }
}
