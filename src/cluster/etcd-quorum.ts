/** etcd quorum arithmetic: a cluster of n members needs a majority of them to serve. */

/** How many members serve, how many the cluster needs, and how many more it can lose. */
export interface QuorumSummary {
  readonly members: number;
  readonly healthy: number;
  readonly needed: number;
  readonly canLose: number;
  /** `quorum 3/3 (can lose 1)`, or `quorum lost: 1/3 healthy, 2 needed`. */
  readonly text: string;
}

/** The quorum (majority) of an n-member cluster. */
export function quorumOf(members: number): number {
  return Math.floor(members / 2) + 1;
}

/** Summarizes `healthy` of `members`. */
export function summarizeQuorum(members: number, healthy: number): QuorumSummary {
  const needed = quorumOf(members);
  const canLose = Math.max(0, healthy - needed);
  const text =
    healthy >= needed ? `quorum ${healthy}/${members} (can lose ${canLose})` : `quorum lost: ${healthy}/${members} healthy, ${needed} needed`;
  return { members, healthy, needed, canLose, text };
}
