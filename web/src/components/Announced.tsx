/** Lines in a region that screen readers announce when it changes (alert or status). */
export function Announced(props: { role: "alert" | "status"; lines: (string | null)[] }) {
  return (
    <div role={props.role} class={props.role === "alert" ? "error" : "notice"}>
      {props.lines.filter(Boolean).map((line) => (
        <p key={line}>{line}</p>
      ))}
    </div>
  );
}
