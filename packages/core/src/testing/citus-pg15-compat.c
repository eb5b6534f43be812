/*
 * Test-only compatibility shim for the Citus build in ../shared/citus (see startCitus in
 * postgres.ts). That build of Citus 13.0.5 was compiled against PostgreSQL 15 headers newer than
 * Debian 12's postgresql-15 (15.18): its citus.so calls two functions this server does not export,
 * and PostgreSQL refuses to load it ("undefined symbol: heap_datum_check"). Preloaded into the
 * test cluster's processes only when the server lacks them; never part of the product.
 * - heap_datum_check: called by that build only for an impossible tuple header, its result
 *   ignored: nothing to do.
 * - DatumGetHeapTupleHeader: in PostgreSQL 15.18 a macro, ((HeapTupleHeader) PG_DETOAST_DATUM(d)).
 */
#include <stdint.h>

struct varlena;
extern struct varlena *pg_detoast_datum(struct varlena *datum);

void heap_datum_check(void *tuple, void *datum) {
  (void)tuple;
  (void)datum;
}

void *DatumGetHeapTupleHeader(uintptr_t datum) { return pg_detoast_datum((struct varlena *)datum); }
