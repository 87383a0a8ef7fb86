/** The workspace's listing form as a browser sends it, filled in with a course; any field can be given. */
export function listingForm(fields: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    kind: "course",
    title: "Matrix course",
    acronym: "",
    summary: "",
    description: "",
    url: "",
    deliveryMode: "",
    duration: "",
    isFree: "",
    access: "",
    ownershipStatement: "",
    contactName: "",
    contactEmail: "",
    visibility: "public",
    ...fields,
  };
}
