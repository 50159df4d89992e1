/** Entry point: the bundled fonts, the styles, and the app mounted on #app. */
// Split by unicode range: the browser fetches only the slices of Hangul a page shows.
import "@fontsource/noto-sans-kr/400.css";
import "@fontsource/noto-sans-kr/700.css";
import "./styles.css";
import { render } from "preact";
import { App } from "./app";
import { language } from "./i18n";

document.documentElement.lang = language;
render(<App />, document.getElementById("app")!);
