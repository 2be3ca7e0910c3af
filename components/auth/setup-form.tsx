"use client";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

const input = "mt-1 block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-sky-600";

/** What the server action answers: the error to show and the values to keep. */
export type SetupState = { error?: string; email?: string; name?: string };

/** First-run form: the first admin's name, e-mail and password. */
export function SetupForm({ action }: { action: (prev: SetupState, form: FormData) => Promise<SetupState> }) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form action={formAction} className="space-y-4">
      <div>
        <label htmlFor="name" className="block text-sm font-medium text-stone-700">
          Your name
        </label>
        <input id="name" name="name" autoComplete="name" defaultValue={state.name} className={input} />
      </div>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-stone-700">
          E-mail
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} className={input} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-stone-700">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="new-password" required minLength={12} className={input} />
        <p className="mt-1 text-xs text-stone-500">At least 12 characters.</p>
      </div>
      <div>
        <label htmlFor="confirm" className="block text-sm font-medium text-stone-700">
          Password again
        </label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required className={input} />
      </div>
      {state.error && <Alert tone="error">{state.error}</Alert>}
      <Button type="submit" variant="primary" size="block" disabled={pending}>
        {pending ? "Creating…" : "Create admin account"}
      </Button>
    </form>
  );
}
