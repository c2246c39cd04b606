/** Syn for Spring: a node (NodeRegistry), its settings, node ids and the errors the API reports. */
@NullMarked
package io.synspring;

import org.jspecify.annotations.NullMarked;
