/**
 * Micrometer observations of what crosses nodes: {@link io.synspring.observation.SynObservation} names them and
 * their key values, the contexts carry them, and the conventions (replaceable) turn them into names and tags.
 */
@NullMarked
package io.synspring.observation;

import org.jspecify.annotations.NullMarked;
