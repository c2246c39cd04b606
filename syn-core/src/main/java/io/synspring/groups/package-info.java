@NullMarked
package io.synspring.groups;

import org.jspecify.annotations.NullMarked;
