import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireGroup } from "~/auth/auth.server";

export const meta: MetaFunction = () => [{ title: "Admin · remix-cognito" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await requireGroup(request, "admins");
  return data({ email: session.user.email, groups: session.user.groups }, { headers: session.headers });
}

export default function Admin() {
  const { email, groups } = useLoaderData<typeof loader>();
  return (
    <main>
      <div className="card">
        <h1>Admin</h1>
        <p>
          Only members of the <code>admins</code> group see this page. You are {email}, in {groups.join(", ")}.
        </p>
      </div>
    </main>
  );
}
