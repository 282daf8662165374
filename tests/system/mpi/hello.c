/* The MPI hello world of 412-run-mpi.bats: each rank says where it runs
 * (the container it is in, from $container), and rank 0 the sum of the
 * ranks, which MPI_Reduce brings it from the others.  */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  int rank, size, sum = 0;
  char host[256];
  const char *container = getenv ("container");

  MPI_Init (&argc, &argv);
  MPI_Comm_rank (MPI_COMM_WORLD, &rank);
  MPI_Comm_size (MPI_COMM_WORLD, &size);
  gethostname (host, sizeof host);
  MPI_Reduce (&rank, &sum, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  printf ("rank %d of %d on %s in %s\n", rank, size, host, container ? container : "no container");
  if (rank == 0)
    printf ("sum %d\n", sum);
  MPI_Finalize ();
  return 0;
}
