package io.synspring.registry;

import io.synspring.process.ProcessRef;
import java.io.Serializable;
import org.jspecify.annotations.Nullable;

/**
 * Computes new metadata from the current one, atomically on the node that owns the process. It is
 * serializable because it travels to that node: capture only serializable values.
 */
@FunctionalInterface
public interface MetadataUpdate extends Serializable {

    @Nullable Object apply(ProcessRef process, @Nullable Object currentMeta);
}
