import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import {
  deletionProblem,
  isWrongPassword,
  passwordChangeProblem,
  passwordRefusal,
  signInNotice,
  sizeInWords,
} from "./accountChecks";

const t = translator("en");
const form = (current: string, next: string, confirm = next) => ({ current, next, confirm });

describe("a password change checked before sending", () => {
  it("goes when the current one is given and the new one is fit and typed twice", () => {
    expect(passwordChangeProblem(form("old password", "new password"), t)).toBeNull();
    expect(passwordChangeProblem(form("x", "a".repeat(256)), t)).toBeNull();
  });

  it("asks for the current password first", () => {
    expect(passwordChangeProblem(form("", "new password"), t)).toEqual({
      field: "current",
      message: "Enter your current password.",
    });
  });

  it("holds the new one to 8..256 characters, as the API does", () => {
    expect(passwordChangeProblem(form("old password", "short"), t)).toEqual({
      field: "next",
      message: "The new password needs at least 8 characters.",
    });
    expect(passwordChangeProblem(form("old password", "a".repeat(257)), t)?.message).toBe(
      "The new password may have at most 256 characters.",
    );
    // Four emoji are 8 UTF-16 units but 4 characters: too short for the API.
    expect(passwordChangeProblem(form("old password", "🔑🔑🔑🔑"), t)?.field).toBe("next");
    expect(passwordChangeProblem(form("old password", "비밀번호비밀번호"), t)).toBeNull();
  });

  it("refuses a new password equal to the current one, and a confirmation that differs", () => {
    expect(passwordChangeProblem(form("same password", "same password"), t)).toEqual({
      field: "next",
      message: "The new password must differ from the current one.",
    });
    expect(passwordChangeProblem(form("old password", "new password", "new passw0rd"), t)).toEqual(
      { field: "confirm", message: "The two new passwords do not match." },
    );
  });

  it("is said in Korean to a Korean browser", () => {
    const ko = translator("ko");
    expect(passwordChangeProblem(form("", "x"), ko)?.message).toBe("현재 비밀번호를 입력하세요.");
  });
});

describe("deleting the account, checked before sending", () => {
  it("wants the username typed exactly as it is, then the password", () => {
    expect(deletionProblem({ typed: "ada", password: "pw" }, "ada", t)).toBeNull();
    for (const typed of ["", "Ada", " ada", "ada "]) {
      expect(deletionProblem({ typed, password: "pw" }, "ada", t)).toEqual({
        field: "username",
        message: "Type your username, ada, exactly as it is.",
      });
    }
    expect(deletionProblem({ typed: "ada", password: "" }, "ada", t)).toEqual({
      field: "password",
      message: "Enter your password.",
    });
  });
});

describe("a refused password in words", () => {
  const problem = (status: number, code: string, detail: string) => ({
    title: "Refused",
    status,
    code,
    detail,
  });

  it("says a wrong password in the person's language", () => {
    const answer = new Response(null, { status: 403 });
    const wrong = problem(403, "wrong-password", "The password is not right.");
    expect(passwordRefusal(wrong, answer, t)).toBe("The password is wrong.");
    expect(passwordRefusal(wrong, answer, translator("ko"))).toBe("비밀번호가 틀렸습니다.");
  });

  it("puts the password at fault only for a wrong password, not for any 403", () => {
    const answer = new Response(null, { status: 403 });
    const forged = problem(403, "csrf-refused", "the request's origin is not this site");
    const other = problem(403, "forbidden", "not allowed for this account");

    expect(isWrongPassword(problem(403, "wrong-password", "The password is not right."))).toBe(
      true,
    );
    expect(isWrongPassword(forged)).toBe(false);
    expect(isWrongPassword(other)).toBe(false);
    expect(isWrongPassword(undefined)).toBe(false);
    expect(passwordRefusal(forged, answer, t)).toBe(
      "The request did not come from this page. Reload it and try again.",
    );
    expect(passwordRefusal(other, answer, t)).toBe("not allowed for this account");
  });

  it("says when to try again after too many wrong ones", () => {
    const tooMany = problem(429, "too-many-attempts", "Slow down.");
    const later = (retryAfter: string | null) =>
      new Response(null, { status: 429, headers: retryAfter ? { "Retry-After": retryAfter } : {} });
    expect(passwordRefusal(tooMany, later("300"), t)).toBe(
      "Too many wrong passwords. Try again in 5 min.",
    );
    expect(passwordRefusal(tooMany, later("61"), t)).toContain("in 2 min");
    expect(passwordRefusal(tooMany, later(null), t)).toContain("in 1 min");
  });

  it("tells another change of the account under way from too many wrong passwords", () => {
    const busy = problem(429, "account-change-in-progress", "another change of your account");
    const answer = new Response(null, { status: 429, headers: { "Retry-After": "1" } });
    expect(passwordRefusal(busy, answer, t)).toBe(
      "Another change of your account is being made. Try again in a moment.",
    );
  });

  it("gives the API's own words for invalid input", () => {
    const invalid = {
      title: "Unprocessable",
      status: 422,
      code: "invalid-input",
      errors: [{ detail: "String should have at least 8 characters" }],
    };
    const answer = new Response(null, { status: 422 });
    expect(passwordRefusal(invalid, answer, t)).toBe("String should have at least 8 characters");
  });
});

describe("what the sign-in page says after the account page", () => {
  it("names what happened, and nothing for an unknown notice", () => {
    expect(signInNotice("?notice=signed-out-everywhere")).toBe("signedOutEverywhere");
    expect(signInNotice("?notice=account-deleted")).toBe("accountDeleted");
    expect(signInNotice("?notice=constructor")).toBeNull();
    expect(signInNotice("?notice=hacked")).toBeNull();
    expect(signInNotice("")).toBeNull();
  });
});

describe("the bytes of a download so far", () => {
  it("read as people read them", () => {
    expect(sizeInWords(512)).toBe("512 B");
    expect(sizeInWords(20_480)).toBe("20 kB");
    expect(sizeInWords(3_250_000)).toBe("3.1 MB");
  });
});
