package dev.lamina.engine.instance;

/** Told when an instance has died, so that its pool forgets it. Called without the instance's lock held. */
@FunctionalInterface
public interface InstanceListener {
    void died(Instance instance);
}
