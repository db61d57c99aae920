"use client";
// The Next.js side of notebook 10's reactions feature: the bar under each
// message. The notebook shows these sections next to the Python calls that
// run the same functions.
import { useMutation, useQuery } from "convex/react";
import type { Infer } from "convex/values";
import { api } from "../../convex/_generated/api";
import type { Id } from "../../convex/_generated/dataModel";
import type { reactionEmoji } from "../../convex/schema";

type ReactionEmoji = Infer<typeof reactionEmoji>;
const CHOICES: ReactionEmoji[] = ["👍", "❤️", "🎉", "😂"];

// --8<-- [start:reaction_counts]
// Live counts: every committed toggle on this message, by anyone, re-runs
// the query and re-renders the bar; `reactedByMe` is per signed-in reader.
export function useReactionCounts(messageId: Id<"messages">) {
  const counts = useQuery(api.reactions.counts, { messageId });
  return new Map((counts ?? []).map((row) => [row.emoji, row]));
}
// --8<-- [end:reaction_counts]

// --8<-- [start:toggle_reaction]
// One click adds the reaction, the next takes it back: the mutation decides
// which, so two tabs clicking at once cannot store it twice.
export function ReactionBar({ messageId }: { messageId: Id<"messages"> }) {
  const counts = useReactionCounts(messageId);
  const toggle = useMutation(api.reactions.toggle);
  return (
    <div role="group" aria-label="Reactions">
      {CHOICES.map((emoji) => {
        const row = counts.get(emoji);
        return (
          <button
            key={emoji}
            type="button"
            aria-pressed={row?.reactedByMe ?? false}
            onClick={() => void toggle({ messageId, emoji })}
          >
            {emoji} {row?.count ?? ""}
          </button>
        );
      })}
    </div>
  );
}
// --8<-- [end:toggle_reaction]
