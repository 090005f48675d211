/* Opens a graph, commits an edge, reads it back: exit 0 if the installed
 * library works. */
#include <stdio.h>
#include <rcugraph/rcugraph.h>

int main(void)
{
	rg_graph_t *g;
	rg_txn_t *t;
	rg_read_t *r;
	uint64_t d = 0;
	if (rg_open(&g, NULL) || rg_txn_begin(g, &t) || rg_txn_add_node(t, 1, 0) ||
	    rg_txn_add_node(t, 2, 0) || rg_txn_add_edge(t, 1, 2, 0, 0) || rg_txn_commit(t, NULL))
		return 1;
	if (rg_reader_register(g) || rg_read_begin(g, &r) || rg_degree(r, 1, RG_OUT, &d))
		return 1;
	rg_read_end(r);
	rg_reader_unregister(g);
	rg_close(g);
	printf("installed rcugraph works: out-degree %llu\n", (unsigned long long)d);
	return d == 1 ? 0 : 1;
}
