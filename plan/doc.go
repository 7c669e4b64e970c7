// Package plan holds the rules of a test plan, once, for every runner: a
// plan's tests are nodes of a directed acyclic graph whose edges are their
// needs. A node starts only after every node it needs has passed; a need
// that failed, erred, was skipped or cancelled skips the node, with the
// reason, and so on down the graph. Remembered values flow along the same
// edges: a node sees the values of the nodes it needs, directly or not.
//
// The package keeps no state of its own. Check validates a graph, Advance
// says what may start and what must be skipped given every node's status
// so far, and Inputs gathers a node's values: the CLI runner calls them
// from its goroutines, the server's jobs from a transaction after each
// agent ends, both from the same statuses.
package plan
