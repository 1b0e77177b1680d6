/** AWS shows where a code went without giving the address away: `d***@e***`. */
export function maskDestination(destination: string): string {
  const at = destination.indexOf("@");
  if (at > 0) return `${destination[0]}***@${destination[at + 1] ?? ""}***`;
  return destination.length > 4 ? `+*******${destination.slice(-4)}` : "***";
}
