// A browser component: anything it reads ships to every visitor.
export function SmsStatus({ id }) {
  const key = process.env.TELNXO_API_KEY; // doctor flags this: a secret read in client-side code
  return <a href={`https://api.telnxo.example/messages/${id}?key=${key}`}>status</a>;
}
