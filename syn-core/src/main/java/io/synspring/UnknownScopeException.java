package io.synspring;

import java.util.Set;

/** A scope this node is not configured for. */
public class UnknownScopeException extends IllegalArgumentException {

    public UnknownScopeException(String scope, Set<String> scopes) {
        super("this node is not in scope '" + scope + "'; its scopes are " + scopes
                + ": add it to the node's scopes (syn.scopes) on every node that uses it");
    }
}
