@NullMarked
package io.synspring.cluster;

import org.jspecify.annotations.NullMarked;
