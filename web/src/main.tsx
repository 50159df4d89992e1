/** Entry point: the bundled fonts, the styles, and the app mounted on #app. */
// Split by unicode range: the browser fetches only the slices of Hangul a page shows.
import "@fontsource/noto-sans-kr/400.css";
import "@fontsource/noto-sans-kr/700.css";
import "./styles.css";
import { render } from "preact";
import { restoreSession } from "./api/auth";
import { App } from "./app";
import { language } from "./i18n";

document.documentElement.lang = language;
// Rendered once the session is restored (or not), so a reload does not flash the sign-in page.
void restoreSession().finally(() => render(<App />, document.getElementById("app")!));
