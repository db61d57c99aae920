"use client";
// The Next.js side of notebook 5's rename: the call that wakes every
// subscription whose query read the renamed user's document.
import { useMutation } from "convex/react";
import { ConvexError } from "convex/values";
import { type FormEvent, useState } from "react";
import { api } from "../../convex/_generated/api";

// --8<-- [start:rename_profile]
// A rename is one mutation. Every subscription whose query read this user's
// document (any message list with one of their messages) gets a new result.
export function RenameForm({ current }: { current: string }) {
  const rename = useMutation(api.profiles.rename);
  const [name, setName] = useState(current);
  const [problem, setProblem] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    try {
      await rename({ name });
      setProblem(null);
    } catch (error) {
      // Zod's refusal arrives as a ConvexError: { ZodError: [issues] }.
      setProblem(error instanceof ConvexError ? "Names are 1 to 60 characters." : "Something went wrong.");
    }
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)}>
      <input value={name} onChange={(event) => setName(event.target.value)} />
      <button type="submit">Rename</button>
      {problem && <p role="alert">{problem}</p>}
    </form>
  );
}
// --8<-- [end:rename_profile]
