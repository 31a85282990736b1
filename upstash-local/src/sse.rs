//! `/subscribe/<channel>…` and `/psubscribe/<pattern>…` as Server-Sent Events (§1.5). Each stream
//! holds its own Redis connection, closed when the client goes away.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::http::{error, unavailable, App};
use crate::redis_pool::Unavailable;

const KEEPALIVE: Duration = Duration::from_secs(15);

pub async fn subscribe(app: &App, patterns: bool, channels: Vec<String>) -> Response {
    if channels.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "ERR name at least one channel: /subscribe/<channel>",
        );
    }
    if channels.iter().any(|c| c.contains([',', '\n', '\r'])) {
        // The event lines are comma-separated lines; clients could not parse such a name back.
        return error(
            StatusCode::BAD_REQUEST,
            "ERR channel names must not contain ',' or line breaks",
        );
    }
    let connect = app.pool.client().get_async_pubsub();
    let Ok(Ok(mut pubsub)) = tokio::time::timeout(Duration::from_secs(1), connect).await else {
        return unavailable(Unavailable);
    };
    let kind = if patterns { "psubscribe" } else { "subscribe" };
    let mut greeting = String::new();
    for (i, channel) in channels.iter().enumerate() {
        let done = if patterns {
            pubsub.psubscribe(channel).await
        } else {
            pubsub.subscribe(channel).await
        };
        if done.is_err() {
            return unavailable(Unavailable);
        }
        greeting.push_str(&format!("data: {kind},{channel},{}\n\n", i + 1));
    }
    app.count_commands(1);

    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(64);
    let _ = tx.send(Ok(Bytes::from(greeting))).await;
    tokio::spawn(async move {
        let mut messages = pubsub.into_on_message();
        let mut keepalive = tokio::time::interval(KEEPALIVE);
        keepalive.tick().await;
        loop {
            let event = tokio::select! {
                msg = messages.next() => match msg {
                    Some(msg) => event_line(&msg),
                    None => break,
                },
                _ = keepalive.tick() => ": keepalive\n\n".to_owned(),
                () = tx.closed() => break,
            };
            if tx.send(Ok(Bytes::from(event))).await.is_err() {
                break;
            }
        }
        // Dropping the stream closes the subscriber's Redis connection.
    });

    let mut response = Response::new(Body::from_stream(ReceiverStream::new(rx)));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Payloads are raw text, not base64, as Upstash sends them. A line break would end the event
/// early (and let a publisher forge events), so `\r` and `\n` are sent as those two characters.
fn event_line(msg: &redis::Msg) -> String {
    let channel = msg.get_channel_name();
    let payload = String::from_utf8_lossy(msg.get_payload_bytes())
        .replace('\r', "\\r")
        .replace('\n', "\\n");
    match msg.get_pattern::<String>() {
        Ok(pattern) if msg.from_pattern() => format!("data: pmessage,{pattern},{channel},{payload}\n\n"),
        _ => format!("data: message,{channel},{payload}\n\n"),
    }
}
