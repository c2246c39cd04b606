@NullMarked
package io.synspring.replication;

import org.jspecify.annotations.NullMarked;
