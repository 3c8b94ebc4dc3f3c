//! Invitations (issue 14): giving access to a child to someone with no account sends them a
//! link to create one. The link works once, for 7 days, only for the address it was sent to,
//! and not after it is cancelled; each misuse gets a clear page and changes nothing. Every
//! step is in the child's access history. Each test runs on SQLite, and on PostgreSQL when
//! configured.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use chrono::Duration;
use mns_store::testing::backends;

const INVITED: &str = "robin.carter@example.org";

/// The path of the last invitation link emailed to `email`, if one was.
async fn invitation_link(app: &TestApp, email: &str) -> Option<String> {
    let messages = app
        .app
        .store_for_tests()
        .outbox_messages_to(email)
        .await
        .unwrap();
    messages.iter().rev().find_map(|m| {
        let start = m.body.find("/invitations/")?;
        let rest = &m.body[start..];
        Some(rest[..rest.find('\n').unwrap_or(rest.len())].to_string())
    })
}

async fn has_account(app: &TestApp, email: &str) -> bool {
    app.app
        .store_for_tests()
        .find_user_by_email(email)
        .await
        .unwrap()
        .is_some()
}

fn invite(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("kind", "parent"),
        ("relationship", "Stepfather"),
        ("parental_responsibility", "no"),
        ("reason", "Lives with the child; asked by the mother"),
    ]
}

fn account(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("display_name", "Robin Carter"),
        ("password", PASSWORD),
        ("confirm_password", PASSWORD),
    ]
}

#[tokio::test]
async fn an_invited_parent_creates_an_account_signs_in_and_sees_the_child() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let amelia = app.pupil("Amelia").await;
        let pupil = format!("/pupils/{}", amelia.id);
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        let sent = coordinator
            .post(&format!("{pupil}/access"), &invite(INVITED))
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert_eq!(sent.location(), format!("{pupil}?done=invited#people"));
        let page = coordinator.get(&format!("{pupil}?done=invited")).await;
        assert!(page.body.contains("we have emailed them an invitation"));
        assert!(page.body.contains(INVITED) && page.body.contains("Invited"));
        assert!(!has_account(&app, INVITED).await);

        // The email names no child.
        let emails = app
            .app
            .store_for_tests()
            .outbox_messages_to(INVITED)
            .await
            .unwrap();
        assert_eq!(emails.len(), 1);
        assert!(!emails[0].body.contains(&amelia.given_name));
        assert!(!emails[0].body.contains(&amelia.family_name));
        assert!(emails[0].body.contains("within 7 days"));
        let link = invitation_link(&app, INVITED).await.unwrap();

        let mut invited = app.client();
        let form = invited.get(&link).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Create your account"));
        assert!(!form.body.contains(&amelia.given_name));

        // The wrong address, a missing name and a short password: each named, nothing kept.
        let mut wrong = account("someone.else@example.org");
        wrong[1].1 = "";
        wrong[2].1 = "short";
        let refused = invited.post(&link, &wrong).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains("This invitation was sent to a different email address")
        );
        assert!(refused.body.contains("Enter your full name"));
        assert!(
            refused.body.contains("href=\"#password\""),
            "{}",
            refused.body
        );
        assert!(!has_account(&app, INVITED).await);
        assert!(!has_account(&app, "someone.else@example.org").await);

        let created = invited.post(&link, &account(&INVITED.to_uppercase())).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        assert!(created.body.contains("Your account has been created"));
        let user = app
            .app
            .store_for_tests()
            .find_user_by_email(INVITED)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.role.as_str(), "parent");
        assert_eq!(user.display_name, "Robin Carter");

        let mut parent = app.signed_in(INVITED).await;
        let seen = parent.get(&pupil).await;
        assert_eq!(seen.status, StatusCode::OK);
        assert!(seen.body.contains(&amelia.given_name));
        let access = app
            .app
            .store_for_tests()
            .child_access_of(&amelia.id, &user.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(access.relationship, "Stepfather");
        assert_eq!(access.parental_responsibility, "no");

        // Used twice: a page saying so, and nothing changes.
        let again = app.client().get(&link).await;
        assert_eq!(again.status, StatusCode::GONE);
        assert!(again.body.contains("already been used"));
        let replay = invited.post(&link, &account(INVITED)).await;
        assert_eq!(replay.status, StatusCode::GONE);

        // The pupil page lists the person, not the invitation; the history has every step.
        let page = coordinator.get(&pupil).await;
        assert!(!page.body.contains("Invitation sent"));
        assert!(page.body.contains("Robin Carter"));
        let history = coordinator.get(&format!("{pupil}/access-history")).await;
        assert!(
            history
                .body
                .contains("Invited a person to create an account")
        );
        assert!(history.body.contains("Accepted an invitation"));
    }
}

#[tokio::test]
async fn an_expired_or_cancelled_invitation_or_an_unknown_link_creates_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let amelia = app.pupil("Amelia").await;
        let pupil = format!("/pupils/{}", amelia.id);
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;

        coordinator
            .post(&format!("{pupil}/access"), &invite(INVITED))
            .await;
        let link = invitation_link(&app, INVITED).await.unwrap();
        // The person opens the form, then leaves it for more than 7 days.
        let mut invited = app.client();
        assert_eq!(invited.get(&link).await.status, StatusCode::OK);
        app.app
            .clock
            .advance(Duration::days(7) + Duration::minutes(1));
        let expired = invited.get(&link).await;
        assert_eq!(expired.status, StatusCode::GONE);
        assert!(expired.body.contains("expired"));
        let refused = invited.post(&link, &account(INVITED)).await;
        assert_eq!(refused.status, StatusCode::GONE);
        assert!(!has_account(&app, INVITED).await);
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        assert!(
            coordinator
                .get(&pupil)
                .await
                .body
                .contains("Invitation expired")
        );

        // A new invitation; then it is cancelled after a confirmation page.
        coordinator
            .post(&format!("{pupil}/access"), &invite(INVITED))
            .await;
        let link = invitation_link(&app, INVITED).await.unwrap();
        assert_eq!(invited.get(&link).await.status, StatusCode::OK);
        let invitation = app
            .app
            .store_for_tests()
            .pending_invitations(&amelia.id)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.expires_at > app.app.now())
            .unwrap();
        let cancel = format!("{pupil}/invitations/{}/cancel", invitation.id);
        let confirm = coordinator.get(&cancel).await;
        assert_eq!(confirm.status, StatusCode::OK);
        assert!(confirm.body.contains("Cancel the invitation"));
        let done = coordinator.post(&cancel, &[]).await;
        assert_eq!(
            done.location(),
            format!("{pupil}?done=invitation-cancelled#people")
        );
        let cancelled = invited.get(&link).await;
        assert_eq!(cancelled.status, StatusCode::GONE);
        assert!(cancelled.body.contains("cancelled"));
        assert_eq!(
            invited.post(&link, &account(INVITED)).await.status,
            StatusCode::GONE
        );
        assert!(!has_account(&app, INVITED).await);
        assert_eq!(coordinator.get(&cancel).await.status, StatusCode::NOT_FOUND);

        let unknown = invited.get("/invitations/0123456789abcdef").await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        assert!(unknown.body.contains("We do not recognise this link"));
        let history = coordinator.get(&format!("{pupil}/access-history")).await;
        assert!(history.body.contains("Cancelled an invitation"));
    }
}

#[tokio::test]
async fn a_school_invites_only_its_own_pupils_parents() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let mut school = app.signed_in("school@demo.invalid").await;
        let own = app
            .pupils()
            .await
            .into_iter()
            .find(|p| p.school_urn.as_deref() == Some("121001"))
            .unwrap();
        let other = app
            .pupils()
            .await
            .into_iter()
            .find(|p| p.school_urn.as_deref() != Some("121001"))
            .unwrap();
        let sent = school
            .post(&format!("/pupils/{}/access", own.id), &invite(INVITED))
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let mut as_provider = invite("tutor@example.org");
        as_provider[1].1 = "provider";
        let refused = school
            .post(&format!("/pupils/{}/access", own.id), &as_provider)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let outside = school
            .post(
                &format!("/pupils/{}/access", other.id),
                &invite("x@example.org"),
            )
            .await;
        assert_eq!(outside.status, StatusCode::NOT_FOUND);
        assert!(invitation_link(&app, "tutor@example.org").await.is_none());
        assert!(invitation_link(&app, "x@example.org").await.is_none());
        // The coordinator cannot cancel through another pupil's address.
        let invitation = app
            .app
            .store_for_tests()
            .pending_invitations(&own.id)
            .await
            .unwrap()
            .remove(0);
        let mut coordinator = app.signed_in("coordinator@demo.invalid").await;
        assert_eq!(
            coordinator
                .get(&format!(
                    "/pupils/{}/invitations/{}/cancel",
                    other.id, invitation.id
                ))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}
